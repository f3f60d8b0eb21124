/**
 * Generate the service's OpenAPI document (YAML) from the routes without listening and without
 * calling Intercom: the app is built with a placeholder token and closed again.
 */
import Fastify from 'fastify'
import app, { fastifyOptions } from './app.js'
import { loadConfig } from './config.js'
import { openApiYaml } from './plugins/swagger.js'

/** The OpenAPI document as YAML, exactly as GET /openapi.yaml serves it. */
export async function generateOpenApiYaml (): Promise<string> {
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: 'openapi-generation', INTERCOM_BASE_URL: 'http://127.0.0.1:9' })
  const fastify = Fastify(fastifyOptions(config, false))
  await fastify.register(app, { config })
  await fastify.ready()
  try {
    return openApiYaml(fastify)
  } finally {
    await fastify.close()
  }
}
