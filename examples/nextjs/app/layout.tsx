import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = { title: "video-links example" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <Link href="/">Jobs</Link> · <Link href="/gallery">Gallery</Link>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
