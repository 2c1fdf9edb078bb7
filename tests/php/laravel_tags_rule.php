<?php
// The known client's validation of the generate-tags webhook, `'tags' => 'required|array'`, as Laravel's
// Validator applies it: `required` fails on null, a blank string and an empty array; `array` needs a PHP
// array (a JSON array or object). Reads the raw body on stdin; exit 0 when valid, 22 (its 422) when not.
declare(strict_types=1);

$data = json_decode(stream_get_contents(STDIN), true);
$tags = is_array($data) && array_key_exists('tags', $data) ? $data['tags'] : null;
$required = !($tags === null || (is_string($tags) && trim($tags) === '') || (is_array($tags) && count($tags) === 0));
$isArray = is_array($tags);
if (!$required || !$isArray) {
    fwrite(STDERR, "422: The tags field is " . (!$required ? "required." : "must be an array.") . "\n");
    exit(22);
}
// The client stores each tag as a string column.
foreach ($tags as $tag) {
    if (!is_string($tag)) {
        fwrite(STDERR, "a tag is not a string\n");
        exit(22);
    }
}
exit(0);
