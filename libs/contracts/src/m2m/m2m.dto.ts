import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsNotEmptyObject, IsObject } from 'class-validator';
import { IsId } from '../ids.js';

/**
 * The envelopes of the m2m bodies, in the seed's names; what they hold is checked by the app that
 * owns it (M2mMessageSchemas and M2mThreadSchemas are the document's picture of both).
 */

/** `{ data }`: one document to create. */
export class M2mCreateBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The document, in the seed\'s field names' })
  @IsObject()
  @IsNotEmptyObject()
  data!: Record<string, unknown>;
}

/** `{ dataList }`: documents created all together or not at all. */
export class M2mBulkCreateBody {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsArray()
  @ArrayMinSize(1, { message: 'dataList must not be empty' })
  @IsObject({ each: true })
  dataList!: Record<string, unknown>[];
}

/** `{ dataClause }`: the fields to change. */
export class M2mUpdateBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Only the changeable fields (isRead, readAt, isActive)' })
  @IsObject()
  @IsNotEmptyObject()
  dataClause!: Record<string, unknown>;
}

/** `{ query }`: equality and `$in` on the object's own fields. */
export class M2mQueryBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Field: value or field: { $in: [values] }' })
  @IsObject()
  // A field asked to be null is a query (readAt: null picks the unread ones).
  @IsNotEmptyObject({ nullable: true }, { message: 'query must not be empty' })
  query!: Record<string, unknown>;
}

/** `{ query, dataClause }`. */
export class M2mUpdateByQueryBody extends M2mQueryBody {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  @IsNotEmptyObject()
  dataClause!: Record<string, unknown>;
}

/** `{ idList, dataClause }`. */
export class M2mUpdateByIdListBody {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1, { message: 'idList must not be empty' })
  @IsId('idList must hold ids', { each: true })
  idList!: string[];

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  @IsNotEmptyObject()
  dataClause!: Record<string, unknown>;
}
