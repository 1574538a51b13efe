"use client";

import { useEffect, useState } from "react";
import { useChain } from "./WalletProvider";

/**
 * Reads something once per new block: `read` gets the block number and its answer is kept until the next block's.
 * An answer that arrives after a newer read started (or after the component left) is dropped. `key` lists what the
 * read depends on besides the block, as an effect's dependencies would.
 */
export function useBlockRead<T>(read: (blockNumber: number) => Promise<T>, key: readonly unknown[]): { value: T | null; error: string | null } {
  const { blockNumber } = useChain();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (blockNumber === null) return;
    let cancelled = false;
    read(blockNumber)
      .then((next) => {
        if (cancelled) return;
        setValue(next);
        setError(null);
      })
      .catch((failure: unknown) => !cancelled && setError(failure instanceof Error ? failure.message : String(failure)));
    return () => {
      cancelled = true;
    };
  }, [blockNumber, ...key]);
  return { value, error };
}
