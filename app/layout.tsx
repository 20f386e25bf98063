import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Header } from "./_components/header";
import { Providers } from "./providers";
import "./globals.css";

/**
 * Every page renders per request, so Next can put that request's CSP nonce on its scripts (see
 * server/http/security-headers.ts); a page prerendered at build could carry none.
 */
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Sluice",
  description: "Progressive-delivery control room",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Header />
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
