// statuskit/checks — built-in dependency checks. Named exports only, listed by hand.
export {};
