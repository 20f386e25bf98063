/** A failed request's message, announced to screen readers; nothing while there is none. */
export function ErrorAlert({ error }: { error: { message: string } | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}
