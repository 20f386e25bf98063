import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Header } from "./_components/header";
import { Providers } from "./providers";
import "./globals.css";

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
