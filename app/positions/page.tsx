import { MyPositions } from "./MyPositions";

export const metadata = { title: "My positions · Flux V2" };

/** The connected account's leveraged positions; read in the browser, where the wallet is. */
export default function PositionsPage() {
  return <MyPositions />;
}
