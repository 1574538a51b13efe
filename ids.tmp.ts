import { MUTATIONS } from "./scripts/mutants";
const first = ["vault-full-liq-at-threshold", "vault-underwater-shares-floor"];
console.log([...first, ...MUTATIONS.map((m) => m.id).filter((id) => !first.includes(id))].join(","));
