package dev.videolinks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs concurrent invocations one step at a time, so that a seed decides every interleaving. Each invocation is an
 * {@link Actor} on a thread of its own; it runs only while it holds the baton, and hands it back at every
 * {@link #gate} (before each SDK call) and when it ends. The simulation's thread decides who runs next.
 *
 * <pre>{@code
 * var actor = scheduler.spawn("completion#3", () -> handler.handleRequest(...));
 * scheduler.resume(actor);   // returns once the actor is parked at its next call, or finished
 * }</pre>
 */
final class SimulationScheduler {

    /** Thrown into an actor's thread to stop it where it stands: Lambda ending an invocation half-way. */
    static final class InvocationStopped extends Error {
        InvocationStopped(String why) {
            super(why, null, false, false);
        }
    }

    /** One invocation (or redelivery run) as the scheduler sees it. */
    final class Actor {
        final int id;
        final String name;
        final long startStep;
        private final Thread thread;
        private boolean finished;
        private Throwable failure;

        private Actor(int id, String name, long startStep, Runnable body) {
            this.id = id;
            this.name = name;
            this.startStep = startStep;
            this.thread = Thread.ofPlatform().daemon().name("sim-" + name).unstarted(() -> run(body));
        }

        private void run(Runnable body) {
            CURRENT.set(this);
            Throwable failed = null;
            try {
                awaitBaton(this);
                body.run();
            } catch (Throwable t) {
                failed = t;
            } finally {
                lock.lock();
                try {
                    failure = failed;
                    finished = true;
                    running = null;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        boolean finished() {
            return finished;
        }

        /** Why the actor ended without finishing its work, or null. */
        Throwable failure() {
            return failure;
        }
    }

    private static final ThreadLocal<Actor> CURRENT = new ThreadLocal<>();
    /** No step takes this long: an actor that does not hand the baton back is stuck, and the history fails. */
    private static final Duration STUCK = Duration.ofSeconds(60);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Actor running;
    private volatile Actor lastResumed;
    private boolean aborted;
    private int nextId;
    private long steps;

    Actor spawn(String name, Runnable body) {
        var actor = new Actor(nextId++, name, steps, body);
        actor.thread.start();
        return actor;
    }

    /** Lets the actor run until its next gate or its end. */
    void resume(Actor actor) {
        lock.lock();
        try {
            if (actor.finished) {
                throw new IllegalStateException(actor.name + " has finished");
            }
            steps++;
            running = actor;
            lastResumed = actor;
            changed.signalAll();
            long left = STUCK.toNanos();
            while (running == actor) {
                if (left <= 0) {
                    aborted = true;
                    throw new IllegalStateException(actor.name + " did not reach a gate within " + STUCK);
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + actor.name + " ran", e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs the actor to its end. */
    void finish(Actor actor) {
        while (!actor.finished) {
            resume(actor);
        }
    }

    /** A scheduling point: an actor hands the baton back and waits to be resumed. Other threads pass. */
    void gate() {
        Actor actor = CURRENT.get();
        if (actor == null) {
            return;
        }
        lock.lock();
        try {
            running = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        awaitBaton(actor);
    }

    private void awaitBaton(Actor actor) {
        lock.lock();
        try {
            while (running != actor) {
                if (aborted) {
                    throw new InvocationStopped("the history was abandoned");
                }
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvocationStopped("interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** The actor whose thread runs now (the one last resumed), for the receiver to tell who sent a webhook. */
    Actor lastResumed() {
        return lastResumed;
    }

    /** The actor this thread is, or null for the simulation's own thread. */
    static Actor current() {
        return CURRENT.get();
    }

    long steps() {
        return steps;
    }

    /** Stops every actor still parked (a history that failed before it ended). */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
