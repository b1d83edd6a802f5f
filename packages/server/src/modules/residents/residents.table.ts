import type { Selectable } from "kysely";

export interface ResidentLinkTable {
  user_id: string;
  person_id: string;
  linked_at: Date;
}
export type ResidentLinkRow = Selectable<ResidentLinkTable>;

export interface ResidentLinkAttemptTable {
  id: string;
  user_id: string;
  /** The blind index of the ID number tried (the number itself is kept nowhere). */
  id_index: string;
  succeeded: boolean;
  at: Date;
}
