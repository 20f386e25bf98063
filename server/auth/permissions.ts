import { AppError } from "../domain/errors";
import type { UserCommand } from "../domain/rollout";

export const ROLES = ["viewer", "operator", "release_manager", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who may do what. The server enforces this table; the UI reads it only to hide or disable buttons. */
export const PERMISSIONS = {
  "rollouts:read": ["viewer", "operator", "release_manager", "auditor", "admin"],
  "rollouts:pause": ["operator", "release_manager"],
  "rollouts:kill": ["operator", "release_manager"],
  "rollouts:manage": ["release_manager"],
  "incidents:manage": ["operator", "release_manager"],
  "audit:read": ["viewer", "operator", "release_manager", "auditor", "admin"],
  "audit:export": ["auditor", "admin"],
  /** Emails and client addresses in the history; other readers see them hidden. */
  "audit:personal-data": ["auditor", "admin"],
  "simulator:control": ["operator", "release_manager", "admin"],
  "tokens:manage": ["admin"],
  "users:manage": ["admin"],
  "slos:manage": ["admin"],
  "notifications:manage": ["admin"],
  "gates:manage": ["admin"],
  "flags:read": ["viewer", "operator", "release_manager", "auditor", "admin"],
  "flags:manage": ["release_manager", "admin"],
  "flags:kill": ["operator", "release_manager"],
  "flags:archive": ["release_manager"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** The permission each rollout command needs, wherever it comes from (tRPC, REST, the UI's buttons). */
export const COMMAND_PERMISSIONS: Record<UserCommand, Permission> = {
  start: "rollouts:manage",
  advance: "rollouts:manage",
  approve: "rollouts:manage",
  resume: "rollouts:manage",
  abort: "rollouts:manage",
  pause: "rollouts:pause",
  kill: "rollouts:kill",
};

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

/** A reader of emails and client addresses where they are shown, or one who sees them hidden. */
export function personalDataReader(actor: Actor): { personalData: boolean } {
  return { personalData: can(actor.role, "audit:personal-data") };
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new AppError("FORBIDDEN", `Role ${actor.role} may not ${permission}`);
  }
}
