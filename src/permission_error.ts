// Whether Deno refused an operation for want of a permission. A leaf module (no imports), so
// every layer can ask it without importing the permission lists.

/** NotCapable, or the OS's PermissionDenied. */
export function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}
