/** The durable job queue on the shared PostgreSQL database: builds and eval samples submitted, claimed by workers. */
package dev.spectra.orchestrator.queue;
