/**
 * The posts of a grid as township rosters name them (Chinese or English), and whether a grid worker
 * is full-time (专职) or part-time (兼职).
 */
export type Employment = "full_time" | "part_time";

const POSTS: Record<string, { roleKey: string; employment?: Employment }> = {
  grid_head: { roleKey: "grid_head" },
  网格长: { roleKey: "grid_head" },
  grid_worker: { roleKey: "grid_worker" },
  网格员: { roleKey: "grid_worker" },
  专职网格员: { roleKey: "grid_worker", employment: "full_time" },
  full_time_grid_worker: { roleKey: "grid_worker", employment: "full_time" },
  兼职网格员: { roleKey: "grid_worker", employment: "part_time" },
  part_time_grid_worker: { roleKey: "grid_worker", employment: "part_time" },
  grid_instructor: { roleKey: "grid_instructor" },
  网格指导员: { roleKey: "grid_instructor" },
  下沉干部: { roleKey: "grid_instructor" },
  police_liaison: { roleKey: "police_liaison" },
  社区民警: { roleKey: "police_liaison" },
};

export function parseStaffPost(text: string): { roleKey: string; employment?: Employment } | undefined {
  const key = text.trim();
  return POSTS[key] ?? POSTS[key.toLowerCase()];
}
