import { SetMetadata } from '@nestjs/common';

/** The metadata key of a route that needs no token. */
export const PUBLIC_KEY = 'parley:public';

/** Marks a route that needs no token (health, metrics, webhooks with their own signatures). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
