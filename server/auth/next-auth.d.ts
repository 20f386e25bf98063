import type { Role } from "./permissions";

declare module "next-auth" {
  interface User {
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
  }
}
