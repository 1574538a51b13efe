/**
 * What the deployer refuses about governance on any chain but Hardhat's own (31337), before anything is sent:
 *
 *   - a proposer, executor, guardian or timelock admin that is an externally owned account: one leaked key would
 *     then schedule upgrades or pause everything. On a real chain these are multisigs or governors (contracts);
 *   - a timelock delay under MIN_TIMELOCK_DELAY_SECONDS: the delay is the users' time to see a scheduled change and
 *     leave before it applies;
 *   - one address that is proposer, executor (or executing is open to anyone) and guardian at once: it alone could
 *     pause, schedule and carry out everything.
 *
 * Each can be waived only by name in the config's governanceOverrides, with a reason the deploy logs (a rehearsal on
 * test accounts, a chain where the multisig does not exist yet).
 */
import { ZeroAddress, type Provider } from "ethers";
import type { DeployConfig, GovernanceOverride } from "../../lib/deployConfig";
import { rpcFailureWords } from "./deployRpc";

/** Hardhat's development chain, the one chain where throwaway governance is expected. */
export const LOCAL_CHAIN_ID = 31337;

/**
 * The shortest timelock delay accepted on a real chain: one day. Exits (withdraw, repay, close) are never paused or
 * delayed, so a day is enough for a lender or farmer who watches the timelock's CallScheduled events, or is told by
 * whoever does, to leave before an upgrade or parameter change they disagree with applies; and short enough that a
 * fix to a paused protocol is not held up for long.
 */
export const MIN_TIMELOCK_DELAY_SECONDS = 86_400;

/**
 * Whether `code` is an externally owned account's: none, or an EIP-7702 delegation designator (0xef0100 followed by
 * the 20-byte address whose code the account borrows). A delegated account still signs with its own key, which can
 * change the delegation at will: one leaked key still holds the role.
 */
export function isExternallyOwnedCode(code: string): boolean {
  return code === "0x" || /^0xef0100[0-9a-f]{40}$/i.test(code);
}

export interface GovernanceReview {
  /** What is refused, in words naming the field and the address. */
  problems: string[];
  /** Checks the node did not let it make (RPC errors): refused as surely as a problem. */
  unchecked: string[];
  /** Checks that failed but were waived by the config, with its reason: the deploy logs each. */
  overridden: string[];
}

export async function reviewGovernance(provider: Provider, config: DeployConfig, chainId: number): Promise<GovernanceReview> {
  const review: GovernanceReview = { problems: [], overridden: [], unchecked: [] };
  if (chainId === LOCAL_CHAIN_ID) return review;
  const refuse = (override: GovernanceOverride, problem: string) => {
    const reason = config.governanceOverrides[override];
    if (reason) review.overridden.push(`${problem} (allowed by governanceOverrides.${override}: "${reason}")`);
    else review.problems.push(`${problem}; set governanceOverrides.${override} with the reason to deploy anyway`);
  };

  const { timelock } = config;
  const roles: { field: string; address: string }[] = [
    ...timelock.proposers.map((address, index) => ({ field: `timelock.proposers[${index}]`, address })),
    ...timelock.executors.map((address, index) => ({ field: `timelock.executors[${index}]`, address })).filter((role) => role.address !== ZeroAddress),
    { field: "guardian", address: config.guardian },
    ...(timelock.admin !== ZeroAddress ? [{ field: "timelock.admin", address: timelock.admin }] : []),
  ];
  for (const { field, address } of roles) {
    let code: string;
    try {
      code = await provider.getCode(address);
    } catch (error) {
      review.unchecked.push(`${field} (${address}): could not read its code to tell a contract from a key, the node did not answer (${rpcFailureWords(error)})`);
      continue;
    }
    if (isExternallyOwnedCode(code)) {
      const delegated = code !== "0x" ? ` (its code is an EIP-7702 delegation to 0x${code.slice(8)}, which its own key can change)` : "";
      refuse(
        "eoaRoles",
        `${field} (${address}) is an externally owned account${delegated}, not a contract: one leaked key would hold that role; use a multisig or a governor`,
      );
    }
  }

  if (timelock.minDelaySeconds < MIN_TIMELOCK_DELAY_SECONDS) {
    refuse(
      "shortDelay",
      `timelock.minDelaySeconds is ${timelock.minDelaySeconds} s, under the ${MIN_TIMELOCK_DELAY_SECONDS} s (one day) users need to see a ` +
        "scheduled change and leave before it applies",
    );
  }

  const anyoneExecutes = timelock.executors.includes(ZeroAddress);
  for (const proposer of timelock.proposers) {
    const executes = anyoneExecutes || timelock.executors.some((executor) => executor.toLowerCase() === proposer.toLowerCase());
    if (executes && proposer.toLowerCase() === config.guardian.toLowerCase()) {
      refuse(
        "oneAddressHoldsEveryRole",
        `${proposer} is proposer, ${anyoneExecutes ? "(with executing open to anyone) " : ""}executor and guardian at once: it alone could pause, ` +
          "schedule and carry out every change; give the guardian and the proposers different owners",
      );
    }
  }
  return review;
}
