/**
 * Some CommonJS packages (next-auth) put their export on `exports.default`. Node's ESM loader hands back
 * the whole `module.exports` as the default import, bundlers hand back `exports.default`; accept both.
 */
export function cjsDefault<T>(imported: T): T {
  const candidate = imported as unknown as { default?: T; __esModule?: boolean };
  return typeof imported === "object" && candidate?.default !== undefined ? candidate.default : imported;
}
