import { mountApp } from "../../lib/bootstrap.tsx";
import { ConsoleApp } from "./ConsoleApp.tsx";

mountApp("console", <ConsoleApp />);
