import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@parley/auth';
import { AppError, ErrorCodes } from '@parley/contracts';
import { GatewayConfig } from '../gateway.config.js';
import { ConsoleAssets } from './console-assets.js';

/** What the page needs to know about this deployment, read before it signs anyone in. */
export interface ConsoleSettingsView {
  /** Realtime's Socket.IO URL; null: the page's own host on port 3006. */
  realtime_url: string | null;
  /** Whether `POST /dev/tokens` mints development tokens here. */
  dev_tokens: boolean;
  api_docs_url: string;
  postman_collection_url: string;
}

/*
 * The page only talks to this gateway and to realtime's Socket.IO; message attachments are
 * presigned links to the object storage's own host, so images may come from anywhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: http: https:",
  "connect-src 'self' http: https: ws: wss:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The console at `/`: a small web app to try Parley in a browser. Static files, served from
 * memory; not part of the API, so not in its OpenAPI document.
 */
@ApiExcludeController()
@Public()
@Controller()
export class ConsoleController {
  constructor(
    private readonly assets: ConsoleAssets,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  page(@Res() response: Response): void {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    this.send(response, 'index.html');
  }

  @Get('favicon.ico')
  favicon(@Res() response: Response): void {
    this.send(response, 'favicon.ico');
  }

  @Get('console/config.json')
  settings(@Res({ passthrough: true }) response: Response): ConsoleSettingsView {
    response.setHeader('Cache-Control', 'no-store');
    return {
      realtime_url: this.config.REALTIME_URL ?? null,
      dev_tokens: this.config.DEV_TOKENS,
      api_docs_url: '/swagger',
      postman_collection_url: '/getPostmanCollection',
    };
  }

  @Get('console/vendor/:file')
  vendor(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, `vendor/${file}`);
  }

  @Get('console/:file')
  file(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, file);
  }

  /** Only the files read at start are ever sent: a name is a key, never a path. */
  private send(response: Response, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) {
      throw new AppError(ErrorCodes.NotFound, 404, this.assets.missing ? `The console is not available: ${this.assets.missing}` : `${name} is not a file of the console`);
    }
    // Revalidated on every load (Express answers 304 to a matching ETag), so an edit shows at once.
    response.setHeader('Cache-Control', 'no-cache');
    response.type(asset.contentType).send(asset.body);
  }
}
