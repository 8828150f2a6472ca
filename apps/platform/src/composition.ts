import { identity } from '@tessera/identity';
import { composeContexts } from '@tessera/kernel';

/**
 * Every context of the platform. `closed` makes composition fail if a context depends on one that is not
 * listed here, so adding a context package is a visible, one-line change.
 */
export const platform = composeContexts([identity], { closed: true });
