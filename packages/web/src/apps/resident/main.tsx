import { mountApp } from "../../lib/bootstrap.tsx";
import { ResidentApp } from "./ResidentApp.tsx";

mountApp("resident", <ResidentApp />);
