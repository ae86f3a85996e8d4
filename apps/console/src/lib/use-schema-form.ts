import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { z } from "zod";

/** Field name → first message; `_form` holds issues that belong to no single field. */
export type FieldErrors = Record<string, string>;
export const FORM_ERROR = "_form";

export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : FORM_ERROR;
    if (!(key in errors)) errors[key] = issue.message;
  }
  return errors;
}

interface Options<V, S extends z.ZodType> {
  /** The shared domain schema the API validates with too. */
  schema: S;
  initialValues: V;
  /** Builds what is validated and sent from the field values (e.g. only changed fields). */
  toInput?: (values: V) => unknown;
}

/**
 * A plain controlled form validated with one shared zod schema: errors appear on submit, then
 * follow every change so they disappear as soon as the field is fixed. Focus moves to the first
 * invalid field after a failed submit.
 */
export function useSchemaForm<V extends Record<string, unknown>, S extends z.ZodType>({
  schema,
  initialValues,
  toInput,
}: Options<V, S>) {
  const [values, setValues] = useState<V>(initialValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [attempted, setAttempted] = useState(false);
  const [focusToken, setFocusToken] = useState(0);
  const formElement = useRef<HTMLFormElement | null>(null);
  // A callback ref (not the ref object) is handed out, so render code never reads a ref.
  const attachForm = useCallback((node: HTMLFormElement | null) => {
    formElement.current = node;
  }, []);

  const check = useCallback((v: V) => schema.safeParse(toInput ? toInput(v) : v), [schema, toInput]);

  useEffect(() => {
    if (!focusToken) return;
    formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusToken]);

  const setField = <K extends keyof V>(name: K, value: V[K]) => {
    const next = { ...values, [name]: value };
    setValues(next);
    if (attempted) {
      const result = check(next);
      setErrors(result.success ? {} : fieldErrorsFromZod(result.error));
    }
  };

  const handleSubmit = (onValid: (data: z.output<S>) => void) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAttempted(true);
    const result = check(values);
    if (!result.success) {
      setErrors(fieldErrorsFromZod(result.error));
      setFocusToken((t) => t + 1);
      return;
    }
    setErrors({});
    onValid(result.data);
  };

  /** Errors the server found (e.g. a duplicate username), shown like client-side ones. */
  const setServerErrors = (serverErrors: FieldErrors) => {
    setErrors(serverErrors);
    setFocusToken((t) => t + 1);
  };

  const reset = (next: V = initialValues) => {
    setValues(next);
    setErrors({});
    setAttempted(false);
  };

  return { values, errors, setField, handleSubmit, setServerErrors, reset, attachForm };
}
