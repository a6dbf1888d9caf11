import type { IncomingMessage } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createValidationPipe, Metrics, metricsRegistry } from '@parley/platform';
import { ApiDocument } from '../api-docs/api-document.js';
import { describeConfiguredLimits, describeGlobalBehaviour, describePlatformRoutes } from '../api-docs/global-behaviour.js';
import type { GatewayConfig } from '../gateway.config.js';
import { refuseCrossSiteCookieWrites } from './cross-site-cookies.js';
import { OverloadShedding } from './overload-shedding.js';
import { refuseUnservedMethods, refuseUnsupportedBodies, RouteMethods } from './route-methods.js';

/** Times every request into parley_http_request_duration_seconds, by its route pattern (not its path: ids would explode the labels). */
function measureRequests(request: Request, response: Response, next: NextFunction): void {
  const stopTimer = Metrics.httpRequestDuration.startTimer();
  response.once('finish', () => {
    // A request refused before routing (OverloadShedding) names its route in locals.
    const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : ((response.locals.route as string | undefined) ?? 'unmatched');
    stopTimer({ method: request.method, route, status: String(response.statusCode) });
  });
  next();
}

/** Keeps a request's bytes beside its parsed body, as `req.rawBody`. */
function keepRawBody(request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, bytes: Buffer): void {
  request.rawBody = bytes;
}

/** The gateway's HTTP edge: metrics, CORS, refusals at the door under overload, security headers, cookies, body limit, validation and Swagger. */
export function configureGatewayHttp(app: NestExpressApplication, config: GatewayConfig): void {
  const routes = app.get(RouteMethods);
  app.use(measureRequests);
  // `*` lets any page call the API with a token it holds, never with the user's cookie: credentialed
  // requests (the access_token cookie) are allowed only from the origins CORS_ORIGINS lists.
  app.enableCors(
    config.CORS_ORIGINS.trim() === '*'
      ? { origin: '*', credentials: false }
      : { origin: config.CORS_ORIGINS.split(',').map((origin) => origin.trim()), credentials: true },
  );
  // Before everything else a request costs (helmet's headers too: a refusal is a JSON error with its
  // own content type), after CORS, so that a browser can read the 503 and its Retry-After.
  app.use(app.get(OverloadShedding).middleware());
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(refuseUnservedMethods(routes));
  app.use(refuseUnsupportedBodies(routes));
  app.use(cookieParser());
  app.use(refuseCrossSiteCookieWrites(config.CORS_ORIGINS));
  // SendGrid signs its event webhook over the body's bytes: that route keeps them (and only it).
  app.use('/webhooks/sendgrid/events', json({ limit: config.BODY_LIMIT, verify: keepRawBody }));
  app.useBodyParser('json', { limit: config.BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT, extended: false });
  app.useGlobalPipes(createValidationPipe());

  const built = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley API')
      .setDescription('Team chat, support inbox, SMS and email threads, marketplace threads.')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('access_token')
      .build(),
  );
  const described = describePlatformRoutes(describeGlobalBehaviour(built), metricsRegistry.contentType);
  const document = describeConfiguredLimits(described, { attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES });
  SwaggerModule.setup('swagger', app, document, { jsonDocumentUrl: 'swagger/json', yamlDocumentUrl: 'swagger/yaml' });
  app.get(ApiDocument).set(document);
  routes.learn(document);
}
