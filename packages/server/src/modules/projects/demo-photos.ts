import { createHash } from "node:crypto";
import jpeg from "jpeg-js";

/**
 * Progress photos for the demo's livelihood projects, painted at seed time (the machine that seeds a
 * demo may have no internet, and no image should ship in the repository). Each scene is what a village
 * official photographs on site — a lane being dug up, a drainage ditch, fresh concrete, lamp posts,
 * stacked pipes, a trench — drawn in flat shapes with a little grain and light so it reads as a phone
 * photo, and encoded as a 640×480 JPEG of a few tens of KB with jpeg-js (a dependency already, used to
 * hash visit photos). The grain comes from a generator seeded by the scene's name: seeding twice gives
 * the same bytes, so a re-seed is a retry, not a second photo.
 */
export const DEMO_PHOTO_WIDTH = 640;
export const DEMO_PHOTO_HEIGHT = 480;
const W = DEMO_PHOTO_WIDTH;
const H = DEMO_PHOTO_HEIGHT;

type Rgb = readonly [number, number, number];

class Canvas {
  readonly px = new Float32Array(W * H * 3);
  private state: number;
  constructor(seed: string) {
    this.state = createHash("sha256").update(seed).digest().readUInt32LE(0) || 1;
  }
  /** xorshift32: deterministic, enough for grain and scatter. */
  random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }
  private set(x: number, y: number, c: Rgb, alpha = 1) {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = (y * W + x) * 3;
    for (let k = 0; k < 3; k++) this.px[i + k] = (this.px[i + k] as number) * (1 - alpha) + (c[k] as number) * alpha;
  }
  /** A band from `top` colour to `bottom` colour between two rows. */
  gradient(y0: number, y1: number, top: Rgb, bottom: Rgb) {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(H, y1); y++) {
      const t = (y - y0) / Math.max(1, y1 - y0);
      const c: Rgb = [0, 1, 2].map((k) => (top[k] as number) * (1 - t) + (bottom[k] as number) * t) as unknown as Rgb;
      for (let x = 0; x < W; x++) this.set(x, y, c);
    }
  }
  rect(x0: number, y0: number, w: number, h: number, c: Rgb, alpha = 1) {
    for (let y = Math.floor(y0); y < y0 + h; y++)
      for (let x = Math.floor(x0); x < x0 + w; x++) this.set(x, y, c, alpha);
  }
  /** A filled polygon (even-odd scanline). */
  poly(points: readonly (readonly [number, number])[], c: Rgb, alpha = 1) {
    const ys = points.map((p) => p[1]);
    for (let y = Math.max(0, Math.floor(Math.min(...ys))); y <= Math.min(H - 1, Math.max(...ys)); y++) {
      const xs: number[] = [];
      for (let i = 0; i < points.length; i++) {
        const [ax, ay] = points[i] as readonly [number, number];
        const [bx, by] = points[(i + 1) % points.length] as readonly [number, number];
        if (ay <= y + 0.5 !== by <= y + 0.5) xs.push(ax + ((y + 0.5 - ay) / (by - ay)) * (bx - ax));
      }
      xs.sort((a, b) => a - b);
      for (let i = 0; i + 1 < xs.length; i += 2)
        for (let x = Math.round(xs[i] as number); x < Math.round(xs[i + 1] as number); x++) this.set(x, y, c, alpha);
    }
  }
  circle(cx: number, cy: number, r: number, c: Rgb, alpha = 1) {
    for (let y = Math.floor(cy - r); y <= cy + r; y++)
      for (let x = Math.floor(cx - r); x <= cx + r; x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) this.set(x, y, c, alpha);
  }
  /** A soft round light (a lamp at dusk). */
  glow(cx: number, cy: number, r: number, c: Rgb) {
    for (let y = Math.floor(cy - r); y <= cy + r; y++)
      for (let x = Math.floor(cx - r); x <= cx + r; x++) {
        const d = Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) / r;
        if (d < 1) this.set(x, y, c, (1 - d) ** 2 * 0.85);
      }
  }
  /** Small specks (gravel, rubble, leaves) over a region. */
  scatter(x0: number, y0: number, w: number, h: number, n: number, colours: readonly Rgb[], size = 3) {
    for (let i = 0; i < n; i++) {
      const x = x0 + this.random() * w;
      const y = y0 + this.random() * h;
      const c = colours[Math.floor(this.random() * colours.length)] as Rgb;
      this.circle(x, y, 0.6 + this.random() * size, c);
    }
  }
  /** Light falling off to the corners, and sensor grain: what makes flat shapes read as a photo. */
  finish(grain = 7): Buffer {
    const data = Buffer.alloc(W * H * 4);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3;
        const d = ((x - W / 2) / W) ** 2 + ((y - H / 2) / H) ** 2;
        const light = 1.04 - d * 0.55;
        const n = (this.random() - 0.5) * grain;
        for (let k = 0; k < 3; k++)
          data[(y * W + x) * 4 + k] = Math.max(0, Math.min(255, (this.px[i + k] as number) * light + n));
        data[(y * W + x) * 4 + 3] = 255;
      }
    return Buffer.from(jpeg.encode({ data, width: W, height: H }, 62).data);
  }
}

const SKY: Rgb = [168, 196, 222];
const HAZE: Rgb = [214, 222, 226];
const CONCRETE: Rgb = [178, 176, 168];
const SOIL: Rgb = [139, 106, 74];
const BRICK: Rgb = [160, 98, 74];
const TILE: Rgb = [72, 70, 72];
const HILL: Rgb = [96, 128, 88];

/** Two rows of old two-storey houses along a lane vanishing to the middle of the picture. */
function lane(c: Canvas, surface: Rgb) {
  c.gradient(0, 200, SKY, HAZE);
  c.poly(
    [
      [0, 200],
      [120, 150],
      [260, 175],
      [400, 140],
      [640, 190],
      [640, 215],
      [0, 215],
    ],
    HILL,
  );
  c.rect(0, 205, W, H - 205, [150, 140, 128]);
  for (const side of [-1, 1]) {
    for (let i = 3; i >= 0; i--) {
      const near = 1 - i * 0.22;
      const w = 150 * near;
      const left = 230 - 230 * near - 10 * i;
      const x = side < 0 ? left : W - left - w;
      const top = 210 - 190 * near;
      const bottom = 232 + 220 * near;
      const wall: Rgb = i % 2 ? [196, 186, 170] : BRICK;
      c.rect(x, top, w, bottom - top, wall);
      c.rect(x - 4, top - 10 * near, w + 8, 14 * near, TILE);
      for (let f = 0; f < 2; f++)
        c.rect(x + w * 0.3, top + (bottom - top) * (0.15 + f * 0.42), w * 0.35, (bottom - top) * 0.18, [70, 84, 96]);
    }
  }
  c.poly(
    [
      [0, 480],
      [285, 232],
      [355, 232],
      [640, 480],
    ],
    surface,
  );
}

/**
 * The lane of the solar-lamp scenes, drawn in the day's colours (its surface and kerb), and where its
 * four poles stand, nearest first: the foot x, the base y, the height and the pole's width.
 */
function lampLane(c: Canvas, surface: Rgb, kerb: Rgb) {
  c.poly(
    [
      [0, 250],
      [640, 215],
      [640, 480],
      [0, 480],
    ],
    surface,
  );
  c.poly(
    [
      [0, 330],
      [640, 240],
      [640, 260],
      [0, 370],
    ],
    kerb,
  );
  return (
    [
      [90, 440, 380],
      [300, 330, 220],
      [450, 280, 150],
      [560, 250, 105],
    ] as const
  ).map(([x, base, h]) => ({ x, base, h, w: Math.max(3, h / 40) }));
}

const SCENES: Record<string, (c: Canvas) => void> = {
  /** 旧路面破除及路基清理: the old surface broken up, rubble and a small excavator. */
  "lanes-breaking": (c) => {
    lane(c, SOIL);
    c.scatter(120, 300, 400, 180, 420, [CONCRETE, [150, 146, 138], [110, 84, 60]], 5);
    c.poly(
      [
        [420, 330],
        [560, 330],
        [575, 390],
        [405, 390],
      ],
      [226, 168, 40],
    );
    c.rect(450, 290, 70, 45, [226, 168, 40]);
    c.rect(458, 298, 30, 22, [90, 120, 140]);
    c.poly(
      [
        [520, 305],
        [600, 250],
        [612, 262],
        [528, 318],
      ],
      [206, 150, 36],
    );
    c.poly(
      [
        [596, 250],
        [630, 300],
        [600, 310],
      ],
      [60, 60, 60],
    );
    c.rect(400, 388, 185, 22, [40, 40, 40]);
  },
  /** 排水边沟砌筑: a new stone-lined ditch along the lane's edge. */
  "lanes-ditch": (c) => {
    lane(c, SOIL);
    c.poly(
      [
        [60, 480],
        [300, 238],
        [312, 238],
        [150, 480],
      ],
      [120, 118, 112],
    );
    c.poly(
      [
        [82, 480],
        [303, 240],
        [308, 240],
        [128, 480],
      ],
      [70, 72, 70],
    );
    c.scatter(
      200,
      330,
      300,
      150,
      160,
      [
        [124, 96, 70],
        [150, 120, 90],
      ],
      3,
    );
    c.rect(480, 360, 60, 40, [190, 190, 186]);
    c.rect(486, 352, 48, 10, [170, 170, 166]);
  },
  /** 水泥混凝土路面浇筑 (under way): fresh concrete on the near half, workers in orange vests. */
  "lanes-pouring": (c) => {
    lane(c, SOIL);
    c.poly(
      [
        [0, 480],
        [200, 300],
        [440, 300],
        [640, 480],
      ],
      [196, 194, 186],
    );
    for (let y = 320; y < 480; y += 34) {
      const half = 120 + ((y - 300) / 180) * 200;
      c.rect(320 - half, y, 2 * half, 2, [170, 168, 160], 0.6);
    }
    for (const [x, y, s] of [
      [250, 330, 1],
      [380, 360, 1.2],
    ] as const) {
      c.circle(x, y - 62 * s, 9 * s, [86, 62, 48]);
      c.rect(x - 10 * s, y - 66 * s, 20 * s, 6 * s, [236, 210, 60]);
      c.rect(x - 12 * s, y - 52 * s, 24 * s, 34 * s, [240, 120, 30]);
      c.rect(x - 11 * s, y - 18 * s, 9 * s, 26 * s, [50, 60, 80]);
      c.rect(x + 2 * s, y - 18 * s, 9 * s, 26 * s, [50, 60, 80]);
    }
    c.rect(500, 310, 80, 50, [230, 230, 226]);
    c.circle(520, 362, 10, [30, 30, 30]);
    c.circle(565, 362, 10, [30, 30, 30]);
  },
  /** 灯位勘测及基础浇筑: square concrete footings with anchor bolts along a street. */
  "lamps-footings": (c) => {
    c.gradient(0, 210, SKY, HAZE);
    c.rect(0, 170, W, 45, [118, 142, 104]);
    c.gradient(210, 480, [150, 144, 132], [120, 112, 100]);
    c.poly(
      [
        [0, 300],
        [640, 250],
        [640, 330],
        [0, 420],
      ],
      [96, 96, 98],
    );
    for (const [x, y, s] of [
      [110, 440, 1.4],
      [330, 355, 1],
      [500, 300, 0.7],
    ] as const) {
      c.poly(
        [
          [x - 40 * s, y],
          [x + 40 * s, y],
          [x + 30 * s, y - 22 * s],
          [x - 50 * s, y - 22 * s],
        ],
        [200, 198, 190],
      );
      c.rect(x - 40 * s, y, 80 * s, 16 * s, [168, 166, 160]);
      for (const dx of [-18, 10]) c.rect(x + dx * s, y - 40 * s, 4 * s, 24 * s, [120, 110, 100]);
    }
    c.scatter(
      0,
      330,
      640,
      150,
      200,
      [
        [132, 120, 104],
        [160, 150, 134],
      ],
      2,
    );
  },
  /** 灯杆及光伏板安装: 6-metre poles with their solar panels along a lane. */
  "lamps-poles": (c) => {
    c.gradient(0, 260, [140, 180, 224], HAZE);
    for (const { x, base, h, w } of lampLane(c, [104, 100, 96], [196, 190, 176])) {
      c.rect(x, base - h, w, h, [210, 212, 214]);
      c.rect(x - h / 9, base - h + h * 0.06, h / 4.5, w * 1.4, [190, 192, 196]);
      c.poly(
        [
          [x - h / 6, base - h],
          [x + h / 6, base - h - h / 14],
          [x + h / 6, base - h - h / 5],
          [x - h / 6, base - h - h / 7],
        ],
        [40, 58, 96],
      );
      c.rect(x + h / 10, base - h + h * 0.05, h / 12, h / 30, [236, 236, 230]);
    }
  },
  /** 调试及试运行: the lamps lit at dusk. */
  "lamps-lit": (c) => {
    c.gradient(0, 260, [52, 60, 104], [196, 134, 110]);
    for (const { x, base, h, w } of lampLane(c, [56, 54, 58], [92, 88, 84])) {
      c.rect(x, base - h, w, h, [80, 82, 88]);
      c.poly(
        [
          [x - h / 6, base - h],
          [x + h / 6, base - h - h / 14],
          [x + h / 6, base - h - h / 5],
          [x - h / 6, base - h - h / 7],
        ],
        [24, 30, 52],
      );
      c.glow(x + h / 8, base - h + h * 0.08, h / 2.2, [255, 226, 150]);
      c.glow(x + h / 8, base, h / 1.6, [200, 170, 120]);
    }
  },
  /** 管材进场及检验: blue PE pipes stacked on a site, the hills behind. */
  "water-pipes": (c) => {
    c.gradient(0, 220, SKY, HAZE);
    c.poly(
      [
        [0, 220],
        [180, 150],
        [330, 200],
        [470, 140],
        [640, 210],
        [640, 240],
        [0, 240],
      ],
      HILL,
    );
    c.gradient(230, 480, [150, 130, 100], [128, 108, 80]);
    for (let row = 0; row < 4; row++)
      for (let i = 0; i < 7 - row; i++) {
        const x = 140 + i * 52 + row * 26;
        const y = 430 - row * 45;
        c.poly(
          [
            [x - 22, y - 22],
            [x + 240, y - 60],
            [x + 240, y - 20],
            [x - 22, y + 22],
          ],
          [40, 92, 170],
        );
        c.circle(x, y, 23, [30, 76, 150]);
        c.circle(x, y, 16, [22, 30, 40]);
      }
    c.scatter(
      0,
      300,
      640,
      180,
      220,
      [
        [116, 96, 70],
        [168, 150, 118],
      ],
      2,
    );
  },
  /** 主管网铺设 (under way): a trench across the fields with the pipe laid in it. */
  "water-trench": (c) => {
    c.gradient(0, 210, SKY, HAZE);
    c.poly(
      [
        [0, 210],
        [200, 160],
        [380, 190],
        [640, 150],
        [640, 230],
        [0, 230],
      ],
      HILL,
    );
    c.gradient(225, 480, [120, 150, 80], [96, 128, 62]);
    c.poly(
      [
        [170, 480],
        [300, 228],
        [336, 228],
        [470, 480],
      ],
      [120, 90, 62],
    );
    c.poly(
      [
        [230, 480],
        [312, 232],
        [326, 232],
        [410, 480],
      ],
      [70, 52, 38],
    );
    c.poly(
      [
        [290, 480],
        [317, 236],
        [322, 236],
        [350, 480],
      ],
      [38, 90, 168],
    );
    c.poly(
      [
        [470, 480],
        [336, 228],
        [360, 228],
        [560, 480],
      ],
      [146, 112, 78],
    );
    c.scatter(
      470,
      300,
      170,
      180,
      180,
      [
        [150, 116, 80],
        [110, 84, 58],
      ],
      4,
    );
  },
};
export type DemoScene = keyof typeof SCENES;
export const DEMO_SCENES = Object.keys(SCENES);

/** The scene painted as a JPEG (the same bytes each time). */
export function paintDemoPhoto(scene: string): Buffer {
  const paint = SCENES[scene];
  if (!paint) throw new Error(`no demo scene ${scene}`);
  const c = new Canvas(`wangge-demo-photo:${scene}`);
  paint(c);
  return c.finish();
}
