/**
 * Next's proxy (Node.js runtime): answers HTTP 404 for a farm or position URL whose vault is not in the deployment
 * file, or whose position id is not one. The pages call notFound() too, but /farms/<vault> streams behind its
 * loading state, and once a stream has started its status is fixed at 200; this check runs before rendering.
 */
import { NextResponse, type NextRequest } from "next/server";
import { routeVerdict } from "./lib/appRoutes";
import { readDeployment } from "./lib/deployments";

/** A path no route serves: rewriting there renders app/not-found.tsx with status 404. */
const NOT_FOUND_PATH = "/__flux-not-found";

function vaultNames(): Set<string> | null {
  try {
    return new Set(Object.keys(readDeployment(process.env.FLUX_NETWORK ?? "localhost").farming?.vaults ?? {}));
  } catch {
    // No deployment file: the layout says so on every page; nothing to judge URLs against.
    return null;
  }
}

export function proxy(request: NextRequest) {
  const names = vaultNames();
  if (names && routeVerdict(request.nextUrl.pathname, names) === "not-found") {
    return NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url));
  }
  return NextResponse.next();
}

export const config = { matcher: ["/farms/:vault", "/positions/:vault/:id"] };
