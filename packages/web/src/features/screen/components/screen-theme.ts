/** The wall's canvas and colours: dark, high contrast, readable from across a room. */
export const SCREEN_WIDTH = 1920;
export const SCREEN_HEIGHT = 1080;

export const COLOURS = {
  page: "#04101d",
  panel: "rgba(10, 36, 64, 0.78)",
  border: "#1f4f7a",
  text: "#e3f2fd",
  muted: "#90a4ae",
  accent: "#4fc3f7",
  calm: "#43a047",
  open: "#fbc02d",
  overdue: "#ef5350",
  settled: "#66bb6a",
};
