import { mountApp } from "../../lib/bootstrap.tsx";
import { ScreenApp } from "./ScreenApp.tsx";

mountApp("screen", <ScreenApp />);
