import { mountApp } from "../../lib/bootstrap.tsx";
import { FieldApp } from "./FieldApp.tsx";

mountApp("field", <FieldApp />);
