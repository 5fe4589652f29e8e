import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TopicTrie } from '../../../src/core/queues/topic-trie.js';

/** Reference matcher: the definition of topic matching, word by word, with backtracking. */
function naiveMatch(pattern: string[], words: string[]): boolean {
  if (pattern.length === 0) return words.length === 0;
  const [p, ...rest] = pattern;
  if (p === '#') {
    for (let skip = 0; skip <= words.length; skip++) if (naiveMatch(rest, words.slice(skip))) return true;
    return false;
  }
  if (words.length === 0) return false;
  return (p === '*' || p === words[0]) && naiveMatch(rest, words.slice(1));
}

const word = fc.constantFrom('a', 'b', 'c', '');
const patternWord = fc.constantFrom('a', 'b', 'c', '', '*', '#');
const pattern = fc.array(patternWord, { minLength: 1, maxLength: 5 }).map((w) => w.join('.'));
const key = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join('.'));

describe('topic trie', () => {
  it('matches exactly what the naive reference matches, including after removals', () => {
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(key, { minLength: 1, maxLength: 8 }), (patterns, removals, keys) => {
        const trie = new TopicTrie<number>();
        patterns.forEach((p, i) => trie.add(p, i));
        const removed = new Set<number>();
        for (const r of removals) {
          if (patterns.length === 0) break;
          const i = r % patterns.length;
          assert.equal(trie.remove(patterns[i], i), !removed.has(i));
          removed.add(i);
        }
        for (const k of keys) {
          const got = new Set<number>();
          trie.match(k, got);
          const expected = patterns.map((_, i) => i).filter((i) => !removed.has(i) && naiveMatch(patterns[i].split('.'), k.split('.')));
          assert.deepEqual([...got].sort((x, y) => x - y), expected, `key '${k}' patterns ${JSON.stringify(patterns)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('handles the classic examples', () => {
    const trie = new TopicTrie<string>();
    for (const p of ['*.orange.*', '*.*.rabbit', 'lazy.#', '#']) trie.add(p, p);
    const match = (k: string): string[] => {
      const out = new Set<string>();
      trie.match(k, out);
      return [...out].sort();
    };
    assert.deepEqual(match('quick.orange.rabbit'), ['#', '*.*.rabbit', '*.orange.*']);
    assert.deepEqual(match('lazy'), ['#', 'lazy.#']);
    assert.deepEqual(match('quick.brown.fox'), ['#']);
    assert.deepEqual(match(''), ['#']);
  });
});
