/**
 * Depth-first post-order over a graph of two-way blocks (`jt`/`jf`), iterative so that filters
 * with thousands of blocks cannot overflow the call stack. The false subtree is visited before
 * the true one, which is what both the lowering (block layout) and the optimizer's CFG rely on.
 */
export interface TwoWay<T> { readonly jt: T | null; readonly jf: T | null }

export function postOrder<T extends TwoWay<T>>(root: T): T[] {
  const seen = new Set<T>();
  const out: T[] = [];
  const stack: [T, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [b, state] = top;
    if (state === 0) {
      if (seen.has(b)) { stack.pop(); continue; }
      seen.add(b);
      top[1] = 1;
      if (b.jf) stack.push([b.jf, 0]);
    } else if (state === 1) {
      top[1] = 2;
      if (b.jt) stack.push([b.jt, 0]);
    } else {
      stack.pop();
      out.push(b);
    }
  }
  return out;
}
