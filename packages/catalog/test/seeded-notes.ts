/** A word the notes may contain: how likely (0-1), and at most how many times. */
export type Marker = [word: string, share: number, most?: number];

const FILLER = ['pot', 'turn', 'flop', 'check', 'call', 'stack', 'ace', 'king', 'queen', 'jack', 'button', 'blind'];

/**
 * Notes for search tests from a fixed pseudo-random sequence (a linear congruential generator from `seed`), so the
 * notes, and so the expected rankings, are the same on every run.
 */
export function seededNotes(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return {
    filler: FILLER,
    /** A chance: a number in [0, 1). */
    next,
    /**
     * Notes: from `fewest` to `fewest + spread - 1` filler words chosen at random, then each marker word: with
     * probability `share`, 1 to `most` times, each at a random place; then the `extra` words at the end.
     */
    notes: (fewest: number, spread: number, markers: Marker[], extra: string[] = []): string => {
      const words = Array.from(
        { length: fewest + Math.floor(next() * spread) },
        () => FILLER[Math.floor(next() * FILLER.length)] as string,
      );
      for (const [word, share, most = 1] of markers) {
        if (next() >= share) continue;
        const times = 1 + Math.floor(next() * most);
        for (let n = 0; n < times; n++) words.splice(Math.floor(next() * (words.length + 1)), 0, word);
      }
      return [...words, ...extra].join(' ');
    },
  };
}
