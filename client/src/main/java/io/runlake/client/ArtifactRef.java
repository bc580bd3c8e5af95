package io.runlake.client;

/** What {@code logArtifact} recorded: the content hash is the artifact's identity. */
public record ArtifactRef(String name, String sha256, long size, String uri, boolean reference) {}
