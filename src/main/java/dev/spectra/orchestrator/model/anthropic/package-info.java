/** The provider for Anthropic's Messages API, with structured output through a tool's input schema. */
package dev.spectra.orchestrator.model.anthropic;
