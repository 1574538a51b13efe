/**
 * How vaults, pairs and positions are named to people. A vault is named after its pair ("WETH-USDC"), and the pair's
 * tokens are shown in that name's order, not in the pair contract's token0/token1 order (sorted by address, so
 * arbitrary): a vault called WETH-USDC whose token0 is USDC still reads "WETH / USDC".
 */

/** A position's name: ids count per vault, so "#1" alone is ambiguous; "USDC-USDT #1" is not. */
export function positionName(vaultName: string, positionId: bigint | number | string): string {
  return `${vaultName} #${positionId.toString()}`;
}

/**
 * Whether the vault's name lists token1 before token0 ("WETH-USDC" for a pair whose token0 is USDC). A name that
 * names neither token in a readable order keeps the pair's order.
 */
export function nameListsToken1First(vaultName: string, symbol0: string, symbol1: string): boolean {
  // Whole parts of the name, so USDC does not match inside USDC.E.
  const parts = vaultName.toUpperCase().split(/[-/\s]+/);
  const at0 = parts.indexOf(symbol0.toUpperCase());
  const at1 = parts.indexOf(symbol1.toUpperCase());
  return at0 >= 0 && at1 >= 0 && at1 < at0;
}

/** The pair's two things (symbols, tokens, amounts) in the vault name's order. */
export function inNameOrder<T>(vaultName: string, symbol0: string, symbol1: string, pair: readonly [T, T]): [T, T] {
  return nameListsToken1First(vaultName, symbol0, symbol1) ? [pair[1], pair[0]] : [pair[0], pair[1]];
}

/** "WETH / USDC" for the vault named WETH-USDC, whatever the pair's token order. */
export function pairLabel(vaultName: string, symbol0: string, symbol1: string): string {
  return inNameOrder(vaultName, symbol0, symbol1, [symbol0, symbol1]).join(" / ");
}
