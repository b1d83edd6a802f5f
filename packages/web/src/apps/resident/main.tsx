import { mountApp } from "../../lib/bootstrap.tsx";
import { applyLargeText } from "../../lib/large-text.ts";
import { ResidentApp } from "./ResidentApp.tsx";

// 适老化: the large-text choice kept on this phone applies before the first screen is drawn.
applyLargeText();
mountApp("resident", <ResidentApp />);
