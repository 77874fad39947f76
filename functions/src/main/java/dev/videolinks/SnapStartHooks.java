package dev.videolinks;

import org.crac.Resource;

/**
 * SnapStart's hooks, the same for every handler: prime before the snapshot (see {@link Priming}); nothing to
 * redo after a restore, since the SDK clients resolve credentials and open connections at first use. A handler
 * registers itself from its no-arg constructor, so the runtime's reference to it keeps the hooks alive.
 */
interface SnapStartHooks extends Resource {

    /** The configuration priming signs and marshals its throwaway requests with. */
    Config config();

    @Override
    default void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.prime(config());
    }

    @Override
    default void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing was kept that a restore would make stale
    }
}
