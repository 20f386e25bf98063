import type { Role } from "./permissions";

declare module "next-auth" {
  interface User {
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** When the user signed in (epoch ms); survives next-auth's refreshes, unlike `iat`. */
    signedInAt?: number;
  }
}
