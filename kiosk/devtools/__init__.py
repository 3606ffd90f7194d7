"""Developer tools: keys, demo site bundles, passes and QR images for tests and demos."""
