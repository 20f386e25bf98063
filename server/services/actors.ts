import type { Actor } from "../auth/permissions";

/** Sluice's own components act under a system identity, audited like people. */
export interface SystemActor {
  id: string;
  name: string;
  role: "system";
}

export type CommandActor = Actor | SystemActor;

export const systemActor = (component: string): SystemActor => ({
  id: `system:${component}`,
  name: component,
  role: "system",
});
