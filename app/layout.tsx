import type { ReactNode } from "react";
import "./globals.css";

export const metadata = {
  title: "Flux V2",
  description: "Leveraged yield farming on the Flux lending pools",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <a href="/" className="brand">Flux V2</a>
          <nav>
            <a href="/lend">Lend</a>
            <a href="/farms">Farms</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
