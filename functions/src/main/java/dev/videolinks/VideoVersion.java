package dev.videolinks;

/**
 * One version of a video in its job, as a conditional write on its entry names it: the key, its ETag and its
 * version id (null in an unversioned bucket).
 */
public record VideoVersion(String jobId, String key, String etag, String versionId) {}
