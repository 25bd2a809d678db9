import { Field } from './Field.tsx';

/** Name, email and a new password: the fields of first-run setup and of an invite. */
export function NewAccountFields() {
  return (
    <>
      <Field
        label="Your name"
        name="displayName"
        required
        maxLength={80}
        autoComplete="name"
      />
      <Field label="Email" name="email" type="email" required autoComplete="username" />
      <Field
        label="Password"
        name="password"
        type="password"
        required
        minLength={10}
        autoComplete="new-password"
        hint="At least 10 characters."
      />
    </>
  );
}
