/**
 * A made-up photo for tests: a sky gradient, a house (walls, a dark door, windows) and a tree, placed
 * by `seed` — the same seed draws the same scene at any size, so a test can resize "the same picture".
 */
export function scene(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 4);
  const shift = seed === 1 ? 0 : 0.45;
  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++) {
      const x = px / width;
      const y = py / height;
      let [r, g, b] = [90 + 120 * y, 140 + 80 * y, 230 - 60 * y];
      if (y > 0.7) [r, g, b] = [70, 120 - 40 * (y - 0.7), 50];
      const hx = (x - shift + 1) % 1;
      if (hx > 0.15 && hx < 0.55 && y > 0.35 && y < 0.8) [r, g, b] = [220, 200, 170];
      if (hx > 0.3 && hx < 0.4 && y > 0.55 && y < 0.8) [r, g, b] = [60, 40, 30];
      if (hx > 0.2 && hx < 0.27 && y > 0.45 && y < 0.55) [r, g, b] = [40, 60, 90];
      if ((hx - 0.8) ** 2 + ((y - 0.4) * 0.8) ** 2 < 0.012) [r, g, b] = [30, 90, 40];
      const i = (py * width + px) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  return { width, height, data };
}
