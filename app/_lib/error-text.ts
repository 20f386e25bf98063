/**
 * A refusal as one readable line that names the field: tRPC puts the field in `data.field`, and a zod
 * refusal's message is the JSON list of issues.
 */
export function errorText(error: { message: string; data?: { field?: string } | null }): string {
  const field = error.data?.field;
  let message = error.message;
  try {
    const issues = JSON.parse(message) as { message?: string }[];
    if (Array.isArray(issues) && issues[0]?.message) message = issues[0].message;
  } catch {
    // Not JSON: a service's own message, which already names its field.
  }
  return field && !message.startsWith(`${field}:`) ? `${field}: ${message}` : message;
}
