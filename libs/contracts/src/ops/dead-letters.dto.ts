import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../dto/page-query.dto.js';
import { AllEventTopics } from '../topics.js';

/** `GET /admin/dead-letters`: the caller's account's dead letters, newest first. */
export class ListDeadLettersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AllEventTopics, description: 'Only dead letters of events of this topic' })
  @IsOptional()
  @IsIn(AllEventTopics)
  topic?: string;
}
