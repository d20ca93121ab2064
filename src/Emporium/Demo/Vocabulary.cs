namespace Emporium.Demo;

/// <summary>Word lists the demo generators combine into titles, review texts and order lines. Brand names are
/// invented.</summary>
internal static class Vocabulary
{
    public static readonly string[] Brands =
    [
        "Norvane", "Halvorsen", "Brightwell", "Kestrel & Co", "Lumora", "Oakridge", "Vantora", "Solace Home", "TerraPeak",
        "Ardent", "Mistral", "Copperleaf", "Northwind", "Pellucid", "Rivermark", "Stonebridge", "Quillon", "Aurelle",
        "Bramblewood", "Corvana", "Everline", "Fennick", "Glenmoor", "Harbor & Pine", "Ivorra", "Juniper Lane", "Kaleo",
        "Larkspur", "Meridian", "Nimbus", "Orchard Hill", "Pinecrest", "Quartzline", "Redfern", "Silverbirch", "Tidewell",
        "Umbra Works", "Velora", "Westbrook", "Yarrow", "Zephyra", "Alpenglow", "Bluecastle", "Cinderby", "Driftline",
        "Emberly", "Foxhollow", "Greyhaven", "Hollis", "Ironbark",
    ];

    public static readonly string[] Adjectives =
    [
        "Premium", "Lightweight", "Durable", "Compact", "Classic", "Ultra-Soft", "Heavy Duty", "Portable", "Deluxe",
        "Eco-Friendly", "Professional", "Adjustable", "Waterproof", "Foldable", "Vintage", "Modern", "Ergonomic",
        "Rechargeable", "Stainless Steel", "Handmade", "Quick-Dry", "Non-Slip", "Wireless", "Large", "Mini",
    ];

    public static readonly string[] Features =
    [
        "for Home and Office", "for Women and Men", "with Storage Pouch", "with Gift Box", "for Travel", "for Kids and Adults",
        "BPA Free", "with USB-C Charging", "with Carry Handle", "Easy to Clean", "with Lifetime Warranty", "for Everyday Use",
        "with Spinner Wheels", "Dishwasher Safe", "Machine Washable", "with Non-Slip Base", "with LED Indicator",
    ];

    /// <summary>The long selling phrases marketplace titles end with.</summary>
    public static readonly string[] SellingPhrases =
    [
        "Perfect Gift for Birthday, Christmas and Anniversary", "Compatible with Most Standard Sizes",
        "Premium Materials for Long-Lasting Use", "Ideal for Camping, Hiking and Outdoor Adventures",
        "Great for Dorm, Apartment and Small Spaces", "Designed for Comfort and All-Day Wear",
        "Tested for Safety and Quality", "Easy Assembly, No Tools Required", "Space-Saving Design for Kitchen and Pantry",
        "Suitable for Beginners and Professionals",
    ];

    public static readonly string[] Colors =
    [
        "Black", "White", "Navy Blue", "Grey", "Charcoal", "Beige", "Sage Green", "Burgundy", "Rose Gold", "Silver",
        "Teal", "Olive", "Cream", "Sky Blue", "Coral", "Mustard Yellow", "Espresso Brown", "Lavender",
    ];

    public static readonly string[] Sizes =
    [
        "Small", "Medium", "Large", "X-Large", "One Size", "2 Pack", "3 Pack", "4 Pack", "Set of 6", "12 oz", "32 oz",
        "Queen", "King", "Twin", "20-Inch", "24-Inch", "28-Inch", "Carry-On 21-Inch", "10 Count", "50 Count",
    ];

    public static readonly string[] FirstNames =
    [
        "Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia", "Mason",
        "Amelia", "Ethan", "Harper", "Logan", "Evelyn", "Aiden", "Abigail", "Jackson", "Ella", "Sebastian", "Grace",
        "Mateo", "Chloe", "Daniel", "Nora", "Henry", "Lily", "Owen", "Zoe", "Samuel", "Hannah", "Ryan", "Aria",
        "Priya", "Wei", "Fatima", "Diego", "Yuki", "Kofi", "Ingrid", "Tomasz", "Aisha", "Mei", "Carlos", "Anya",
    ];

    /// <summary>Review titles by rating (index 0 = 1 star).</summary>
    public static readonly string[][] ReviewTitles =
    [
        ["One Star", "Very disappointed", "Broke quickly", "Do not buy", "Waste of money", "Returned it"],
        ["Two Stars", "Not great", "Cheaply made", "Smaller than expected", "Meh"],
        ["Three Stars", "It's okay", "Does the job", "Decent for the price", "Mixed feelings"],
        ["Four Stars", "Pretty good", "Good value", "Nice quality", "Happy with it", "Works well"],
        ["Five Stars", "Love it!", "Excellent", "Perfect", "Great product", "Highly recommend", "Exactly what I needed"],
    ];

    /// <summary>Review sentences by tone: negative (1–2 stars), neutral (3), positive (4–5). {0} is the product noun.</summary>
    public static readonly string[][] ReviewSentences =
    [
        [
            "The {0} broke after two weeks.", "Much smaller than the pictures suggest.", "The stitching came apart on first use.",
            "It arrived scratched and the box was crushed.", "Customer service never answered my emails.",
            "The color is nothing like the photos.", "I had to return it.", "Feels cheap and flimsy.",
            "Stopped working after a few days.", "Not worth the price at all.",
        ],
        [
            "It does the job, nothing special.", "The {0} is fine for occasional use.", "Quality is about what you'd expect for the price.",
            "Color is a bit different from the photos.", "Took longer to arrive than promised.", "Instructions could be clearer.",
            "Runs a little small, order a size up.", "Works, but I expected more.",
        ],
        [
            "Exactly as described.", "The {0} feels sturdy and well made.", "Arrived two days early and well packed.",
            "I use it every day.", "Great value for the price.", "Would definitely buy again.", "My kids love it.",
            "Looks even better in person.", "Bought a second one as a gift.", "Easy to set up and use.",
            "Fits perfectly.", "The quality surprised me.", "Holding up well after months of use.",
        ],
    ];

    public static readonly string[] OrderPatterns =
    [
        "RETROSPOT", "VINTAGE", "FLORAL", "POLKADOT", "PAISLEY", "REGENCY", "SPACEBOY", "WOODLAND", "HEART", "STAR",
        "BIRD", "SCANDINAVIAN", "DOTCOM", "ROSE", "GINGHAM", "STRIPE",
    ];

    public static readonly string[] OrderColors = ["RED", "PINK", "BLUE", "WHITE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER", "GOLD"];

    public static readonly string[] OrderItems =
    [
        "T-LIGHT HOLDER", "CAKE STAND", "LUNCH BAG", "TEA CUP AND SAUCER", "PHOTO FRAME", "DOORMAT", "HOT WATER BOTTLE",
        "JAM MAKING SET", "NIGHT LIGHT", "PARTY BUNTING", "ALARM CLOCK", "WATER BOTTLE", "GIFT WRAP", "PAPER NAPKINS",
        "STORAGE TIN", "CANDLE", "CUSHION COVER", "SHOPPING BAG", "MUG", "PLATE", "NOTEBOOK", "CHRISTMAS DECORATION",
        "HANGING HEART", "COAT RACK", "WALL CLOCK", "DOOR SIGN", "PICNIC BASKET", "CAKE CASES", "CHILDRENS APRON",
        "PENCIL CASE", "KEY RING", "BIRTHDAY CARD", "LANTERN", "JUMBO BAG", "TISSUE BOX", "SNACK BOX",
    ];

    /// <summary>Unit price points typical of a gift wholesaler.</summary>
    public static readonly double[] OrderPrices =
        [0.29, 0.39, 0.42, 0.55, 0.65, 0.85, 1.25, 1.45, 1.65, 1.95, 2.10, 2.55, 2.95, 3.39, 3.75, 4.25, 4.95, 5.95, 7.95, 9.95, 12.75, 14.95];

    /// <summary>Countries of the buyers and their weights (a UK wholesaler: mostly domestic).</summary>
    public static readonly (string Name, double Weight)[] Countries =
    [
        ("United Kingdom", 880), ("Germany", 22), ("France", 20), ("EIRE", 18), ("Spain", 6), ("Netherlands", 6),
        ("Belgium", 5), ("Switzerland", 4), ("Portugal", 4), ("Australia", 3), ("Norway", 3), ("Italy", 2.5),
        ("Channel Islands", 2), ("Finland", 2), ("Sweden", 1.5), ("Denmark", 1.2), ("Austria", 1.2), ("Japan", 1),
        ("Poland", 1), ("USA", 0.8), ("Israel", 0.6), ("Cyprus", 0.6), ("Greece", 0.4), ("Iceland", 0.3),
    ];
}
