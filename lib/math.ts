/**
 * Protocol math shared by the app, keeper, scripts and tests.
 *
 * The bigint functions reproduce the contracts to the wei, rounding included, so a test can compare the chain
 * against them exactly and the app can preview what a transaction will do. The number functions are for display.
 */

export const WAD = 10n ** 18n;
export const BPS = 10_000n;
/** 365 days, as in contracts/libraries/PoolMath.sol. */
export const SECONDS_PER_YEAR = 365n * 24n * 60n * 60n;

export function mulWadDown(x: bigint, y: bigint): bigint {
  return (x * y) / WAD;
}

export function mulWadUp(x: bigint, y: bigint): bigint {
  const product = x * y;
  return product === 0n ? 0n : (product - 1n) / WAD + 1n;
}

export function divWadDown(x: bigint, y: bigint): bigint {
  return (x * WAD) / y;
}

export function divWadUp(x: bigint, y: bigint): bigint {
  const product = x * WAD;
  return product === 0n ? 0n : (product - 1n) / y + 1n;
}

/** borrows / (cash + borrows - reserves), WAD, rounded down, capped at 100%. */
export function utilization(cash: bigint, borrows: bigint, reserves: bigint): bigint {
  if (borrows === 0n) return 0n;
  const assets = cash + borrows;
  if (assets <= reserves + borrows) return WAD;
  return (borrows * WAD) / (assets - reserves);
}

/** The parameters of a KinkedRateModel, all WAD (0.04e18 is 4%). */
export interface KinkedRateParameters {
  baseRatePerYear: bigint;
  rateAtOptimalPerYear: bigint;
  rateAtFullPerYear: bigint;
  optimalUtilization: bigint;
}

/** KinkedRateModel.borrowRatePerYearAtUtilization. */
export function borrowRatePerYearAtUtilization(model: KinkedRateParameters, utilizationWad: bigint): bigint {
  const { baseRatePerYear, rateAtOptimalPerYear, rateAtFullPerYear, optimalUtilization } = model;
  if (utilizationWad >= WAD) return rateAtFullPerYear;
  if (utilizationWad <= optimalUtilization) {
    return baseRatePerYear + ((rateAtOptimalPerYear - baseRatePerYear) * utilizationWad) / optimalUtilization;
  }
  return (
    rateAtOptimalPerYear +
    ((rateAtFullPerYear - rateAtOptimalPerYear) * (utilizationWad - optimalUtilization)) / (WAD - optimalUtilization)
  );
}

/** KinkedRateModel.borrowRatePerSecond: the annual rate spread over the year, rounded up. */
export function borrowRatePerSecond(model: KinkedRateParameters, cash: bigint, borrows: bigint, reserves: bigint): bigint {
  const perYear = borrowRatePerYearAtUtilization(model, utilization(cash, borrows, reserves));
  return perYear === 0n ? 0n : (perYear - 1n) / SECONDS_PER_YEAR + 1n;
}

/** LendingPool.supplyRatePerSecond: borrow rate x utilization x (1 - reserve factor), rounded down. */
export function supplyRatePerSecond(
  model: KinkedRateParameters,
  cash: bigint,
  borrows: bigint,
  reserves: bigint,
  reserveFactorBps: bigint,
): bigint {
  const borrowRate = borrowRatePerSecond(model, cash, borrows, reserves);
  return (mulWadDown(borrowRate, utilization(cash, borrows, reserves)) * (BPS - reserveFactorBps)) / BPS;
}

/** The parts of a pool's state that interest accrual moves. */
export interface PoolAccrualState {
  cash: bigint;
  reserves: bigint;
  borrowIndex: bigint;
  totalBorrowShares: bigint;
}

/**
 * LendingPool._currentState: the state after `elapsedSeconds` of interest at the rate the current state implies.
 * index' = index + index * rate * elapsed (rounded up); the reserve takes reserveFactor of the interest, rounded down.
 */
export function accrueInterest(
  state: PoolAccrualState,
  model: KinkedRateParameters,
  reserveFactorBps: bigint,
  elapsedSeconds: bigint,
): PoolAccrualState & { totalBorrows: bigint; interest: bigint } {
  const borrows = mulWadUp(state.totalBorrowShares, state.borrowIndex);
  if (state.totalBorrowShares === 0n || elapsedSeconds === 0n) {
    return { ...state, totalBorrows: borrows, interest: 0n };
  }
  const rate = borrowRatePerSecond(model, state.cash, borrows, state.reserves);
  const borrowIndex = state.borrowIndex + mulWadUp(state.borrowIndex, rate * elapsedSeconds);
  const totalBorrows = mulWadUp(state.totalBorrowShares, borrowIndex);
  const interest = totalBorrows - borrows;
  return {
    ...state,
    borrowIndex,
    reserves: state.reserves + (interest * reserveFactorBps) / BPS,
    totalBorrows,
    interest,
  };
}

/** A per-second WAD rate as a simple annual rate (APR), a fraction (0.05 is 5%). */
export function ratePerSecondToApr(ratePerSecondWad: bigint): number {
  return Number(ratePerSecondWad * SECONDS_PER_YEAR) / 1e18;
}

/** APR compounded `periodsPerYear` times a year, as an APY fraction. Daily compounding by default. */
export function aprToApy(apr: number, periodsPerYear = 365): number {
  return Math.pow(1 + apr / periodsPerYear, periodsPerYear) - 1;
}

/** A per-second WAD rate compounded every second for a year: what a lender's balance actually earns. */
export function ratePerSecondToApy(ratePerSecondWad: bigint): number {
  return Math.expm1(Number(SECONDS_PER_YEAR) * Math.log1p(Number(ratePerSecondWad) / 1e18));
}
