import { audit } from '@tessera/audit';
import { catalog } from '@tessera/catalog';
import { executions } from '@tessera/executions';
import { identity } from '@tessera/identity';
import { composeContexts } from '@tessera/kernel';
import { knowledge } from '@tessera/knowledge';
import { nas } from '@tessera/nas';
import { workflows } from '@tessera/workflows';

/**
 * Every context of the platform. `closed` makes composition fail if a context depends on one that is not
 * listed here, so adding a context package is a visible, one-line change.
 */
export const platform = composeContexts([identity, audit, workflows, executions, nas, catalog, knowledge], {
  closed: true,
});
