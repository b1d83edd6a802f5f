import { App, type FormInstance } from "antd";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { type ApiError, toApiError } from "../lib/api-client.ts";
import { type FieldAliases, placeFieldErrors, problemLines } from "../lib/problem.ts";

/**
 * The console's one way to show a failed request (lib/problem.ts says how it reads): each field error
 * on its field of the form (scrolled to), and a message with the translated code, the server's words
 * and any field error no field of the form shows. It never touches the values: a failed submit keeps
 * everything the person typed.
 */
export function useFormFail() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return useCallback(
    (e: unknown, form?: FormInstance, aliases?: FieldAliases): ApiError => {
      const error = toApiError(e);
      let unplaced = error.errors;
      if (form) {
        const registered = new Set(form.getFieldsError().map((f) => f.name.join(".")));
        const fields = placeFieldErrors(error.errors, (name) => registered.has(name.join(".")), aliases);
        if (fields.placed.length > 0) {
          form.setFields(fields.placed.map((p) => ({ name: p.name, errors: [p.message] })));
          form.scrollToField(fields.placed[0]?.name ?? []);
        }
        unplaced = fields.unplaced;
      }
      const [title, ...more] = problemLines(t, error, unplaced);
      message.error({
        content: (
          <span data-testid="problem-message">
            {title}
            {more.map((line) => (
              <span key={line} translate="no" style={{ display: "block" }}>
                {line}
              </span>
            ))}
          </span>
        ),
        duration: 8,
      });
      return error;
    },
    [message, t],
  );
}
