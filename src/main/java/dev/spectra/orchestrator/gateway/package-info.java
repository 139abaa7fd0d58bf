/**
 * The OpenAI-compatible HTTP gateway: admission (keys, rate limits, body size), chat handling over the cascade, routes
 * and accounting.
 */
package dev.spectra.orchestrator.gateway;
