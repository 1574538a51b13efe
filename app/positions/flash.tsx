"use client";

/**
 * Messages that must outlive the form that produced them: after a full close the position's card and its actions
 * disappear, so the confirmation is kept here and shown at the top of the positions pages until dismissed.
 */
import { useSyncExternalStore } from "react";

let messages: { id: number; text: string }[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function pushFlash(text: string) {
  messages = [...messages, { id: nextId++, text }];
  emit();
}

function dismiss(id: number) {
  messages = messages.filter((message) => message.id !== id);
  emit();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const EMPTY: typeof messages = [];

export function FlashMessages() {
  const current = useSyncExternalStore(subscribe, () => messages, () => EMPTY);
  if (current.length === 0) return null;
  return (
    <div className="pos-flash-list">
      {current.map((message) => (
        <p key={message.id} className="pos-flash" role="status">
          <span>{message.text}</span>
          <button type="button" className="button-secondary pos-chip" onClick={() => dismiss(message.id)} aria-label="Dismiss">
            ✕
          </button>
        </p>
      ))}
    </div>
  );
}
