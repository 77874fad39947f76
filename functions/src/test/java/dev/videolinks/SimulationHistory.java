package dev.videolinks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * One history of the simulation: what the generator and the app do to a small world (one bucket, 3 users, 3 jobs,
 * 4 keys), and how hard the faults hit. The seed also decides the order in which S3's events are delivered, their
 * duplicates, the interleaving of invocations and where faults strike.
 */
record SimulationHistory(long seed, boolean versioned, SimulationFaults.Rates faults, List<Op> ops) {

    static final String PREFIX = "generated_videos/";
    static final List<String> USERS = List.of("alice", "bob", "carol");
    static final List<String> JOBS = List.of("j1", "j2", "j3");
    /**
     * The keys: two that name their owner and job by folder, one the generator's old layout names a job by (its
     * owner only by metadata), one that names nothing (only metadata places it).
     */
    static final List<String> KEYS = List.of(PREFIX + "alice/j1/a.mp4", PREFIX + "bob/j2/b.mp4",
            PREFIX + "video_j3.mp4", PREFIX + "shared/c.mp4");

    /** Something the generator or the app does. */
    sealed interface Op {}

    /**
     * Uploads new bytes to a key; {@code job} and {@code user} go in its metadata when not null (else the key
     * decides); {@code count} is its {@code video-count}.
     */
    record Put(String key, String job, String user, int count) implements Op {
        @Override
        public String toString() {
            return "put " + key.substring(PREFIX.length()) + (job == null ? "" : " job-id=" + job)
                    + (user == null ? "" : " user-id=" + user) + (count == 1 ? "" : " video-count=" + count);
        }
    }

    /** Uploads the bytes and metadata of the key's latest upload once more. */
    record PutAgain(String key) implements Op {
        @Override
        public String toString() {
            return "put the same bytes again " + key.substring(PREFIX.length());
        }
    }

    /** Deletes the key: the object (unversioned bucket), or adds a delete marker (versioned). */
    record Delete(String key) implements Op {
        @Override
        public String toString() {
            return "delete " + key.substring(PREFIX.length());
        }
    }

    /** Deletes one version of the key (versioned bucket): the {@code nth} of those it has, oldest first. */
    record DeleteVersion(String key, int nth) implements Op {
        @Override
        public String toString() {
            return "delete version #" + nth + " of " + key.substring(PREFIX.length());
        }
    }

    /** The app's webhook route answers every webhook from now on with this status. */
    record Receiver(int status) implements Op {
        @Override
        public String toString() {
            return "receiver answers " + status;
        }
    }

    SimulationHistory withOps(List<Op> fewer) {
        return new SimulationHistory(seed, versioned, faults, List.copyOf(fewer));
    }

    /** A random history from the seed: 2 to 12 operations. */
    static SimulationHistory generate(long seed) {
        var random = new SplittableRandom(seed);
        boolean versioned = random.nextBoolean();
        var faults = switch (random.nextInt(4)) {
            case 0 -> SimulationFaults.Rates.NONE;
            case 1 -> new SimulationFaults.Rates(0.1, 0.1, 0.0);
            case 2 -> new SimulationFaults.Rates(0.0, 0.0, 0.08);
            default -> new SimulationFaults.Rates(0.15, 0.15, 0.08);
        };
        int length = 2 + random.nextInt(11);
        var ops = new ArrayList<Op>();
        for (int i = 0; i < length; i++) {
            ops.add(op(random, versioned, ops));
        }
        return new SimulationHistory(seed, versioned, faults, List.copyOf(ops));
    }

    private static Op op(RandomGenerator random, boolean versioned, List<Op> before) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        int roll = random.nextInt(100);
        if (roll < 50 || before.isEmpty()) {
            return put(random, key);
        }
        if (roll < 60) {
            return new PutAgain(key);
        }
        if (roll < 75) {
            return new Delete(key);
        }
        if (roll < 85 && versioned) {
            return new DeleteVersion(key, random.nextInt(3));
        }
        return new Receiver(List.of(200, 200, 503, 410).get(random.nextInt(4)));
    }

    private static Op put(RandomGenerator random, String key) {
        boolean keyNamesJob = !key.endsWith("shared/c.mp4");
        String job = !keyNamesJob || random.nextInt(3) == 0 ? JOBS.get(random.nextInt(JOBS.size())) : null;
        String user = random.nextInt(3) == 0 ? null : USERS.get(random.nextInt(USERS.size()));
        if (user != null && key.contains("/alice/") && random.nextBoolean()) {
            user = null;
        }
        int count = random.nextInt(4) == 0 ? 2 : 1;
        return new Put(key, job, user, count);
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + (versioned ? "versioned" : "unversioned") + " bucket, faults " + faults + ":\n"
                + ops.stream().map(op -> "    " + op).collect(Collectors.joining("\n"));
    }
}
